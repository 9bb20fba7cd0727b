"""The command-line tools: ``validate-conversation`` (:mod:`.validate`) and
``convert-conversation`` (:mod:`.convert`), with what they share in :mod:`._common`.

Nothing is imported here, so each command loads only what it uses.
"""
