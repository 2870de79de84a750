"""The report side: what the notebooks use and nothing in the analysis imports.

``open_report`` (the corpus a notebook starts from, its output folder and labels), the
documents a page names (``Shown``, ``choose_documents``), escaped tables (``table``), figures
shown with alt text (``figure``), the opening summary (``summary``), figures with Chinese that
renders (``plot``, ``discourse_plot``), and the runner behind ``corpus-reports``.
"""

from .context import Report, Shown, choose_documents, open_report, resolve_path
from .runner import main, run_reports
from .show import figure, spread_rows, summary, table

__all__ = ["Report", "Shown", "choose_documents", "figure", "main", "open_report", "resolve_path", "run_reports", "spread_rows",
           "summary", "table"]
