"""Streaming export: records flow through parse, reconcile, map, validate and write in
bounded batches, in parallel on ``jobs`` processes, with the same output bytes for any
``jobs``.

0. **Evidence** (batches of files): the names the inputs print where nothing is glued
   (:func:`kg.parse.file_evidence`), merged into one set of hashes that the scan's
   processes inherit, so that glued listing bylines split the same way in any batch.
1. **Scan** (batches of files): parse; map and validate each file's own graph (its
   profile and records as printed) and write it; spill every record to one of
   :data:`BUCKETS` files on disk, chosen by its work's key, and every spelling of a
   person to one chosen by the person's IRI; keep only the identity index: which titled
   work each abstract belongs to, the organisation names, one summary per profile.
2. **Resolve**: abstract-only records join the bucket of their titled work (or stay
   works of their own).
3. **Works** (batches of buckets): reconcile each work from its records, map,
   validate, write.
4. **People** (batches of buckets): each person from its spellings, mapped, validated,
   written; then person candidates, among people of one family name at a time.
5. **Tail**: organisations, categories, and each profile whole: its own triples (from
   its file), the works it lists (spilled by the works batches) and its inferred owner;
   last, the export's description (``describe``), which needs the counts.

Each batch's text goes to a file of its own that the main process copies to the
output, so no batch's text is ever held by the main process. Every subject's triples
are written in one batch, so JSON-LD has one node object per ``@id`` and Turtle states
each subject once.

Validation of a batch uses the same shapes as a whole-graph run, with the batch's own
subjects as focus nodes and, as context, the rdf:type triples of the nodes they point
to (README, "Scale" explains why the verdicts are the same).

The package: ``run.py`` the run's options (:class:`Batches`), state, spill files and
process pool; ``phases.py`` the batch functions of each phase; ``export.py`` the main
process, which sequences the phases and merges their partial states.
"""
from kg.stream.export import StreamResult, export_stream
from kg.stream.run import BUCKETS, UNITS, Batches, Describe, Progress

__all__ = ["BUCKETS", "UNITS", "Batches", "Describe", "Progress", "StreamResult", "export_stream"]
