"""The book: each chapter and its parameters declared as data (:mod:`~nascompanion.book.chapters`), checked
before a kernel starts (:mod:`~nascompanion.book.parameters`); running chapters (:mod:`~nascompanion.book.runner`);
the command line (:mod:`~nascompanion.book.cli`, its arguments in :mod:`~nascompanion.book.arguments` and its
one-line errors in :mod:`~nascompanion.book.errors`); helpers chapters call (:mod:`~nascompanion.book.notebook`)."""
