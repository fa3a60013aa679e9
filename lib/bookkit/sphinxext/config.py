"""The extension's config values: ``bookkit_*`` names; the old ``minidl_*`` ones for one release.

The extension came out of ``minidl`` (the library) into ``bookkit`` (the book's machinery), and two
of its config values kept the old prefix.  They are now ``bookkit_collapse_output_lines`` and
``bookkit_search_reference_pages``; the old names still work for one release, as deprecated
aliases: a value set under an old name is moved to the new one at ``config-inited`` with a warning
(``bookkit.deprecated_config``).  The book builds with ``-W``, so ``_config.yml`` uses only the new
names.  :data:`DEPRECATED_NAMES` lists the aliases; remove them in the next release.
"""

from __future__ import annotations

import functools
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

__all__ = ["DEPRECATED_NAMES", "add_config_value", "move_deprecated_value"]

logger = logging.getLogger(__name__)

#: ``{old name: new name}`` of every alias registered by :func:`add_config_value`.
DEPRECATED_NAMES: dict[str, str] = {}


def move_deprecated_value(config: Config, name: str, old_name: str, default: Any) -> None:
    """Move a value set under ``old_name`` to ``name``, with a deprecation warning.

    ``default``: the default of ``name``.  When ``name`` is set too (to another value than its
    default), it wins and the warning says that the old one is ignored.
    """
    old = getattr(config, old_name, None)
    if old is None:
        return
    if getattr(config, name) != default:
        logger.warning("%s is set together with %s, which replaces it: %s is ignored (the old "
                       "name goes in the next release)", old_name, name, old_name,
                       type="bookkit", subtype="deprecated_config")
        return
    logger.warning("the config value %s is deprecated; rename it to %s (the old name goes in "
                   "the next release)", old_name, name, type="bookkit", subtype="deprecated_config")
    setattr(config, name, old)


def _on_config_inited(app: Sphinx, config: Config, *, name: str, old_name: str,
                      default: Any) -> None:
    move_deprecated_value(config, name, old_name, default)


def add_config_value(app: Sphinx, name: str, default: Any, rebuild: str,
                     types: list[type] | None = None, *, old_name: str | None = None) -> None:
    """``app.add_config_value(name, default, rebuild, types)``, and ``old_name`` as its
    deprecated alias (moved to ``name`` at ``config-inited``, before other handlers read it)."""
    if not name.startswith("bookkit_"):
        raise ValueError(f"config value {name!r}: bookkit's config values start with 'bookkit_'")
    app.add_config_value(name, default, rebuild, types or ())
    if old_name is None:
        return
    DEPRECATED_NAMES[old_name] = name
    app.add_config_value(old_name, None, rebuild)
    app.connect("config-inited",
                functools.partial(_on_config_inited, name=name, old_name=old_name, default=default),
                priority=100)
