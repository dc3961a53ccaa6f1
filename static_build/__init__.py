"""The static build: every shop's widgets and JSON as files for a CDN, atomically swapped in."""
