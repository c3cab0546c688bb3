"""The offline preview and review, the top layer: ``ml-tenancy preview``.

Runs the program (``program.platform.deploy``) under the mock engine and captures every
registration (``engine``, ``graph``), writes ``preview.json`` (``snapshot``) and ``review.md``
(``review``, ``diff``, ``mermaid``, ``rows``), evaluates the policy pack over the captured graph
and shows the post-deploy plan. May import every other layer; nothing imports it.
"""
