"""The OIC training compliance dashboard: ``streamlit run dashboards/app.py`` (or
``tracker serve``).

Log-in first; then only the pages the user's role may open are in the navigation
(``tracker.auth.pages_for``), and each page checks again at its top. A link opened while
logged out (``/outstanding?req=...&by=rank``) opens after log-in with its filters; a page
the role may not open is named in a refusal on the home page (``ui.land``). Nothing is
fetched from the internet: the favicon is an emoji (a ``:material/...:`` favicon would
come from a font CDN; the icons inside the app come with Streamlit's own files).

Two ways to log in:

* the tracker's own (default): user names and argon2-hashed passwords from the users table
  (``tracker users add NAME --role ROLE``); 5 failures lock an account for 15 minutes; a
  session ends ``TRACKER_SESSION_MINUTES`` (480) after log-in, or after
  ``TRACKER_IDLE_MINUTES`` (30) without a page run. Reloading the browser tab starts a new
  session, which asks to log in again.
* the organisation's identity provider (Microsoft Entra ID, ...) through Streamlit's OIDC
  ``st.login``: set ``TRACKER_AUTH=oidc`` and put the provider in ``.streamlit/secrets.toml``::

      [auth]
      redirect_uri = "https://tracker.example.police.uk/oauth2callback"
      cookie_secret = "a long random secret"
      client_id = "..."
      client_secret = "..."
      server_metadata_url = "https://login.microsoftonline.com/TENANT/v2.0/.well-known/openid-configuration"

  The role still comes from the tracker's users table, found by the email the provider
  gives (``tracker users add NAME --role ROLE --email EMAIL --no-password``).

Every run reads the user's row again (``ui.login_gate``): a changed role applies at once, a
deactivated user is logged out with a notice, in both ways of logging in.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards import charts, data, ui  # noqa: F401  (charts: Plotly loads during log-in)
from tracker import auth
from tracker.coverage import trend  # noqa: F401  (and the engines)

VIEWS = Path(__file__).parent / "views"

st.set_page_config(page_title="OIC training tracker", page_icon="🎓",
                   layout="wide")
ui.page_style()

if ui.current_user() is None:
    data.warm_up()  # the data is read while the password is typed
user = ui.login_gate()
page_ids = auth.pages_for(user.role)
if "national" in page_ids and (user.force_code is not None
                               or len(data.forces_with_people(data.state_token())) < 2):
    page_ids.remove("national")  # coverage by force: only when several forces have people
pages = {page: st.Page(VIEWS / f"{page}.py", title=auth.PAGES[page].title,
                       icon=auth.PAGES[page].icon, url_path=page, default=(i == 0))
         for i, page in enumerate(page_ids)}
current = st.navigation(list(pages.values()), expanded=True)  # every page, none folded away
ui.sidebar(user)
ui.land(user, current, pages)  # after log-in: the page a link asked for, or why not
current.run()
