"""问责: accountability records against a school or a person by post, each resting on linked
records, with the person's statement and a challenge (复核) within the district's limit."""
