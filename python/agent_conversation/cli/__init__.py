"""The command-line tools: ``validate-conversation`` (:mod:`.validate`) and
``convert-conversation`` (:mod:`.convert`), with what they share in :mod:`._common`.

Nothing is imported here, so each command loads only what it uses.
"""

import gc


def validate_conversation() -> None:
    """The ``validate-conversation`` console script: :func:`.validate.main`, with the cyclic
    garbage collector off from the start. The command is a short-lived process whose objects
    (its modules', the trees it reads) hold no cycles that need collecting before it ends; left
    on, the collector would only rescan them while the modules load."""
    gc.disable()
    from .validate import main

    main()
