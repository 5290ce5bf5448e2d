from plans.summary import status_breakdown
from tests import factories


def test_breakdown_follows_the_plans_counting_rules(plan):
    parent = factories.action(plan, "OC.A1.0")
    rows = [
        ("OC.A1.1", "On track"),
        ("OC.A1.2", "On track"),
        ("OC.A1.3", "On track"),
        ("OC.A1.4", "Medium progress"),
        ("OC.A1.5", "N/A"),
        ("OC.A1.6", None),
    ]
    for ref, label in rows:
        action = factories.action(plan, ref, parent=parent)
        if label:
            factories.update(action, "2024-01", label)
    overall, themes = status_breakdown(plan)
    counts = {status.label: (count, pct) for status, count, pct in overall.rows()}
    assert counts["On track"] == (3, 75)
    assert counts["Medium progress"] == (1, 25)
    assert counts["N/A"] == (1, None)
    assert overall.counted == 4
    assert overall.left_out() == ["1 parent (focus) action", "1 N/A", "1 with no update yet"]
    assert [(rag, count, pct) for rag, _, count, pct in overall.rag_rows()] == [
        ("green", 3, 75),
        ("amber", 1, 25),
        ("red", 0, 0),
        ("grey", 0, 0),
        ("blue", 0, 0),
    ]
    assert [name for name, _ in themes] == ["Community"]


def test_breakdown_as_at_an_earlier_month_uses_that_months_status(plan):
    import datetime

    action = factories.action(plan, "OC.A1.1")
    factories.update(action, "2024-01", "Medium progress")
    factories.update(action, "2024-02", "Complete")
    overall, _ = status_breakdown(plan, month=datetime.date(2024, 1, 1))
    assert {s.label: c for s, c, _ in overall.rows()}["Medium progress"] == 1
    overall, _ = status_breakdown(plan)
    assert {s.label: c for s, c, _ in overall.rows()}["Complete"] == 1


def test_a_plan_can_count_its_parent_actions(plan):
    plan.count_parent_actions = True
    plan.save()
    parent = factories.action(plan, "OC.A1.0")
    factories.update(parent, "2024-01", "On track")
    factories.update(factories.action(plan, "OC.A1.1", parent=parent), "2024-01", "On track")
    overall, _ = status_breakdown(plan)
    assert overall.counted == 2
    assert overall.left_out() == []
