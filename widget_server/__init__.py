"""trustwidgets: honest, fast, localized review widgets for webshops."""

__version__ = "0.1.0"
