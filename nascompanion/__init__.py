"""nascompanion: the executable companion to White, Nolen & Savani (UAI 2021)."""

__version__ = "0.1.0"
