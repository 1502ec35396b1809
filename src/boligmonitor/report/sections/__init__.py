"""The sections of the report's content, one module each: the summary and the area pages
(:mod:`.summary`, :mod:`.areas`), what changed (:mod:`.changes`), the early warning
(:mod:`.early_warning`), the method (:mod:`.method`), the spreadsheet tables (:mod:`.tables`) and
the chart recipes (:mod:`.chart_recipes`). :func:`boligmonitor.report.build.build_report`
assembles them.
"""
