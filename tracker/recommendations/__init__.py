"""The HMICFRS recommendations that are not training: each force's register of milestones
for recommendation 4 (clear plans to collect, analyse and share OIC information), seeded
from the shipped defaults and edited by the force (``milestones``), the documents kept as
evidence for a milestone (``evidence``), and progress against the deadline with a
red/amber/green status and its rule in words (``progress``), the demo force's register
(``demo``), the one shape every recommendation's figure takes (``standing``), the
recommendations' words and deadlines (``wording``), recommendation 2's NCCU referrals
matched to their intelligence documents, compliance as of a date and the list to chase
(``referrals``), and the one progress view of them all (``overview``: the register's
progress, the referrals' compliance, and the training coverage from the coverage engine).

May import: config, reference, messages, store, coverage.
"""
