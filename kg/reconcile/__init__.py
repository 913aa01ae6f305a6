"""Reconcile stage: parsed profiles -> one description per work, person and organisation.

Each rule is written once, as a mergeable accumulator (``add``, ``merge``, ``resolve``)
or a pure function of one work's or one person's evidence (STYLE.md, "One path, many
partitions"); building in memory is one partition, streaming is many:

- :mod:`kg.reconcile.works`: which work a record belongs to (title key; the abstract
  index, and the ambiguous-abstract rule), one description per work, disagreements,
  unmatched abstracts;
- :mod:`kg.reconcile.people`: one person per IRI from its spellings, person candidates,
  the curation file's unused names;
- :mod:`kg.reconcile.owners`: named, inferred (headerless) and candidate (first-name)
  owners;
- :mod:`kg.reconcile.organizations`: one organisation per IRI from its names;
- :mod:`kg.reconcile.report`: the report, assembled once;
- :mod:`kg.reconcile.partition`: the partition functions (scan, works, people);
- :mod:`kg.reconcile.build`: all of them on one partition, in memory.
"""

from kg.reconcile.build import WHOLE, Partition, build_graph, summary_of
from kg.reconcile.report import report_warnings, sorted_rejected
from kg.reconcile.works import reconcile_work

__all__ = ["WHOLE", "Partition", "build_graph", "reconcile_work", "report_warnings", "sorted_rejected", "summary_of"]
