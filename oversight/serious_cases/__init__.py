"""严重欺凌事件报送: the district's register of serious cases. A school writes each report on its own
site (de-identified: case code, categories, counts, dates and a gated account); reports are
immutable and hash-chained; the flags (迟报, 漏报, 续报逾期, 瞒报) are computed from the server clock
whenever the register is read."""
