"""Where reviews come from: our native files (importer.py), the platforms' formats (platform_import.py),
and the readers of their JSON streams; each import is one transaction in the store."""
