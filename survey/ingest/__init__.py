"""The way evidence comes in: files read and validated in full, then written in one
transaction; forms, survey links and the sample data take the same path."""
