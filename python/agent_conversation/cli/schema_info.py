"""``validate-conversation --list-dialects`` and ``--print-schema DIALECT [--view wire|reader]``."""

from __future__ import annotations

import argparse
import json
import sys


def add_schema_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--list-dialects",
        action="store_true",
        help="list every published crate version, the wire revision and the configuration "
        "revision it maps to, then exit",
    )
    parser.add_argument(
        "--print-schema",
        metavar="DIALECT",
        help="print the JSON Schema of a dialect (yoagent@0.18.0, phi-core@0.9, ...) and exit",
    )
    parser.add_argument(
        "--view",
        choices=("reader", "wire"),
        default="reader",
        help="with --print-schema: reader (what restore_messages() accepts; default) or wire "
        "(what save_messages() writes)",
    )


def print_schema_info(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from .. import schemas
    from ..errors import ConversationError

    if args.list_dialects:
        for version, revision, config in schemas.releases():
            path = schemas.schema_path(revision).relative_to(schemas.schema_dir().parent)
            sys.stdout.write(f"{version:18} {revision:14} config {config:16} {path.as_posix()}\n")
        return 0
    try:
        text = json.dumps(schemas.schema(args.print_schema, view=args.view), indent=2)
    except ConversationError as err:
        parser.print_usage(sys.stderr)
        sys.stderr.write(
            f"validate-conversation: error: --print-schema: {err.problems[0].message}\n"
        )
        return 2
    sys.stdout.write(text + "\n")
    return 0
