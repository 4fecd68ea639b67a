"""A blind evaluation written apart from the project, run through the command line."""
