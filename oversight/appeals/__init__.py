"""区级复查: a family's request that the district review a school's determination or handling."""
