"""The fixed virtual address of the project's assets inside a PDF render.

Kept apart from the fetcher so that naming an asset URL never imports WeasyPrint.
"""

VIRTUAL_BASE = "https://guidance-builder.invalid/"
ASSET_PREFIX = VIRTUAL_BASE + "assets/"
