"""The headings of a workbook of measures, apart from the reader, so the action importer can
tell a Measures sheet when it meets one (plans/excel/layouts.py) without importing the reader
that builds on it."""

# Field -> the headings that mean it, compared through headers.header_key.
FIELDS = {
    "name": ["measure", "measures", "measure name", "kpi", "indicator", "performance indicator"],
    "priority": ["priority", "corporate priority", "council priority"],
    "theme": ["theme", "theme name"],
    "owner": ["owner", "measure owner", "responsible officer", "lead officer", "lead"],
    "unit": ["unit", "units", "unit of measure", "measured in"],
    "direction": ["direction", "polarity", "good is", "better is", "higher or lower is better"],
    "frequency": ["frequency", "reported", "reporting frequency"],
    "baseline": ["baseline", "baseline value", "baseline figure"],
    "baseline_when": ["baseline year", "baseline period", "baseline date"],
    "tolerance": ["tolerance", "amber tolerance", "amber threshold"],
    "description": ["description", "definition", "what it measures"],
    "committees": ["committee", "committees", "relevant committee", "reporting committee"],
}
