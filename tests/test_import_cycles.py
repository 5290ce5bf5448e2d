"""Our own modules import each other in one direction: a module that needs another's function
imports it at the top, and nothing imports back. A cycle shows as an import hidden inside a
function, and as a module nobody can read without the other (grimp reads every import
statement, those inside functions too)."""

import grimp

PACKAGES = ["plans", "reports", "tracker", "tests", "bench"]

# Imports inside functions that close a cycle we keep, and why. Each must still be there:
# when one goes, drop it from this list.
KEPT = {
    ("tracker.policy", "plans.models"): (
        "the models ask the policy who may read drafts; the policy asks the actions' query sets"
    ),
}


def test_no_import_cycle_among_our_modules():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    for importer, imported in KEPT:
        assert graph.direct_import_exists(importer=importer, imported=imported), (
            f"{importer} no longer imports {imported}: drop it from KEPT"
        )
        graph.remove_import(importer=importer, imported=imported)

    cycles = {}  # each cycle once, however many of its imports find it
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if back := graph.find_shortest_chain(importer=imported, imported=module):
                cycles.setdefault(frozenset(back), " -> ".join((module, *back)))
    assert sorted(cycles.values()) == []
