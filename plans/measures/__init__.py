"""Measures (KPIs), one feature in one place: rating a figure against its target and the periods
figures are for (rating.py), entering figures in the update round (values.py), each measure's
series and the scorecard (scorecard.py), importing a workbook of measures (workbook.py), and
their forms, views and addresses. The models are in plans/models/measures.py."""
