"""The HSDS 3.1 API under /api/hsds/: the directory as public, read-only open data for other systems.

Decisions (statuses, search, paging, extensions) are in docs/decisions and in openapi.py's
description of the API, which also defines every query parameter this module reads.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps

from sqlalchemy import and_, func, or_, select
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from portal.directory.filters import zip_centre
from portal.directory.hsds_json import Documents, portal_taxonomy_rows, rows_by_id
from portal.directory.hsds_spec import EXTENSIONS, HSDS_VERSION_NOTE if False else EXTENSIONS, PORTAL_TAXONOMY_ID, fields  # noqa
