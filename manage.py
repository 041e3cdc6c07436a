#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "district_portal.settings")
    from django.core.management import execute_from_command_line

    from district_portal.env import SettingError

    try:
        execute_from_command_line(sys.argv)
    except SettingError as exc:
        sys.exit(f"Configuration error / 配置错误: {exc}")


if __name__ == "__main__":
    main()
