"""De-identification: generalisation hierarchies, privacy models and full-domain anonymisation.

The engine works on Polars frames, column by column: each quasi-identifier is encoded once into
integer codes per generalisation level, so a lattice node generalises by choosing columns and
its equivalence classes are one ``group_by``. The caller's frame is never modified.
"""
