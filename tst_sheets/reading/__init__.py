"""Reading what people typed: typed cell values (dates, durations, percents, people, timelines,
SMART goals), one team workbook's values → ``TeamRecord``, the roster's values → ``Program``.

Pure: values in, models and findings out. Nothing here raises on bad input.
"""
