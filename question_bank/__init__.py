"""The question bank: randomised shape and parameter questions, safe answer checking, the self-quiz and exams.

Start at :mod:`question_bank.topics` (the registry), :mod:`question_bank.question`
(ids ``TOPIC/SEED``) and :mod:`question_bank.check` (judging answers). Nothing in
this package imports torch.
"""
