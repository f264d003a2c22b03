"""Who may use the bot: the operator's access mode, the chats always allowed, and the rule
that turns them into a chat's access (`Channel.access`).

The policy is pure so the whole decision table is tested without a database. The modes
govern chats that have no decision yet (new, or still pending); a decision once made, by an
admin or by an earlier policy, sticks: switching to `closed` does not lock out chats that
were allowed before, and switching to `open` does not readmit a chat an admin denied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.domain.channels import ChatAccess

AccessMode = Literal["open", "approval", "closed"]
ACCESS_MODES: tuple[AccessMode, ...] = ("open", "approval", "closed")
#: The platforms whose chats come and ask; the others (console, file, webhook) are set up
#: by the operator and always allowed.
CHAT_PLATFORMS = ("telegram", "slack")


def parse_chat_keys(value: str) -> frozenset[str]:
    """`telegram:-1001234,slack:C0123` → the keys; ValueError naming a bad one, with an example."""
    keys: set[str] = set()
    for key in filter(None, (part.strip() for part in value.split(","))):
        platform, _, address = key.partition(":")
        if platform not in CHAT_PLATFORMS or not address.strip():
            raise ValueError(
                f"bad chat {key!r}; write platform:chat_id, e.g. telegram:-1001234,slack:C0123"
            )
        keys.add(f"{platform}:{address.strip()}")
    return frozenset(keys)


@dataclass(frozen=True)
class AccessDecision:
    """A chat's access under the policy, and why (the why goes to the audit log)."""

    access: ChatAccess
    reason: str


@dataclass(frozen=True)
class AccessPolicy:
    """The operator's rule for chats: DIGESTBOT_ACCESS, DIGESTBOT_ALLOWED_CHATS and whether
    the Slack workspace the app is installed in counts as allowed (its channels shared with
    other organizations do not).

    The default is the safe one: `approval`, so an unknown chat costs nothing until an
    admin says yes.
    """

    mode: AccessMode = "approval"
    allowed_chats: frozenset[str] = frozenset()
    slack_workspace_allowed: bool = True

    def decide(
        self,
        platform: str,
        address: str,
        stored: ChatAccess | None,
        *,
        admin_dm: bool = False,
        external: bool = False,
    ) -> AccessDecision:
        """The access of the chat at `platform:address`, whose stored access is `stored`
        (None: a chat seen for the first time). `admin_dm` is a private chat with an admin,
        always allowed so an admin can always reach the bot. `external` is a Slack channel
        shared with another organization (Slack Connect): not the workspace's alone, so the
        workspace rule does not let it in."""
        if platform not in CHAT_PLATFORMS:
            return AccessDecision("allowed", "set up by the operator")
        if admin_dm:
            return AccessDecision("allowed", "an admin's private chat")
        if f"{platform}:{address}" in self.allowed_chats:
            return AccessDecision("allowed", "listed in DIGESTBOT_ALLOWED_CHATS")
        if stored in ("allowed", "denied"):
            return AccessDecision(stored, "decided before")
        if self.mode == "open":
            return AccessDecision("allowed", "DIGESTBOT_ACCESS is open")
        if self.mode == "approval":
            if platform == "slack" and self.slack_workspace_allowed and not external:
                return AccessDecision("allowed", "a Slack channel of the installed workspace")
            if external:
                return AccessDecision(
                    "pending", "a Slack Connect channel, shared with another organization"
                )
            return AccessDecision("pending", "waits for an admin (DIGESTBOT_ACCESS is approval)")
        if stored == "pending":
            return AccessDecision("pending", "still waits for an admin")
        return AccessDecision("denied", "not listed and DIGESTBOT_ACCESS is closed")

    def lets_in_workspace(self, platform: str) -> bool:
        """Whether a chat of `platform` may be let in for being the workspace's: then whether
        it is shared with another organization matters (see `decide`)."""
        return self.mode == "approval" and platform == "slack" and self.slack_workspace_allowed


#: Every chat allowed, as before access existed (DIGESTBOT_ACCESS=open).
OPEN_ACCESS = AccessPolicy(mode="open")
