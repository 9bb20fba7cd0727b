"""The codec: an exact emulation of serde_json plus the crates' serde derives.

Modules, in the order data flows through them:

- :mod:`.numbers`  — serde_json's float parsing and ryu's float formatting.
- :mod:`.jsonparse` — the exact (slow) JSON parser: serde_json's acceptance and error positions.
- :mod:`.fastparse` — an orjson-based parser used when it provably gives the same tree.
- :mod:`.reader`   — the crates' ``Deserialize`` rules: a parsed message to an internal record.
- :mod:`.writer`   — the crates' ``Serialize`` rules: internal records to the exact saved bytes.
"""
