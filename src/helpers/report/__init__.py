"""The report: ``summary`` assembles ``reports/summary.json``; ``html`` exports the offline HTML pages."""
