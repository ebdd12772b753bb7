"""The book: running chapters (:mod:`~nascompanion.book.runner`), the command line
(:mod:`~nascompanion.book.cli`), helpers chapters call (:mod:`~nascompanion.book.notebook`) and the
pre-kernel parameter checks (:mod:`~nascompanion.book.parameters`)."""
