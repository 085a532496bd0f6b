"""The development mailbox: mail that would have been sent, shown instead of delivered."""

from starlette.routing import Route

from portal.notifications.outbox import recent_mail
from portal.rendering import render
from portal.security.policies import DEVELOPMENT_ONLY, guarded


@guarded(DEVELOPMENT_ONLY)
def mailbox(request):
    """In development only: the newest messages in the outbox, with their links."""
    with request.state.sessions() as db:
        messages = recent_mail(db)
    return render(request, "notifications/mailbox.html", {"messages": messages})


routes = [Route("/dev/mailbox", mailbox, name="mailbox")]
