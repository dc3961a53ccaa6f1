"""The `trustwidgets` program: widget_server's commands and the static build's under one command line."""
