"""The committees an import names: found by name, case aside, or created. The action and the
measure importers both name committees this way (plans/excel/load.py,
plans/measures/workbook.py)."""

from django.utils.text import slugify

from plans.models import Committee


class Committees:
    """Every committee, loaded once for an import; `named` finds or creates one."""

    def __init__(self):
        self.known = {c.name.casefold(): c for c in Committee.objects.all()}
        self.slugs = {c.slug for c in self.known.values()}
        self.created = []  # the names of the committees `named` created

    def named(self, name):
        key = name.casefold()
        if key not in self.known:
            slug = base = slugify(name)[:45] or "committee"
            counter = 1
            while slug in self.slugs:
                counter += 1
                slug = f"{base}-{counter}"
            self.known[key] = Committee.objects.create(name=name, slug=slug)
            self.slugs.add(slug)
            self.created.append(name)
        return self.known[key]
