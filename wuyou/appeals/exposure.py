"""Least exposure of an appeal's contact: one rule for the pages and the API (issue 9, item 11).

The whole contact phone goes only to those who call the enterprise about the appeal: the enterprise
side itself (its own number; the cadre who filed for it), the coordination center and the handling
departments. Everyone else who may read the appeal (the 办不成事专班, city leaders, inspectors) sees
138****1234, the form every list already uses.
"""

from wuyou.orgs.access import CENTER, DEPT, ENTERPRISE_SIDE, has_role
from wuyou.orgs.validators import mask_phone

CALLS_THE_ENTERPRISE = ENTERPRISE_SIDE | CENTER | DEPT


def sees_full_phone(user) -> bool:
    return has_role(user, CALLS_THE_ENTERPRISE)


def contact_phone_for(user, appeal) -> str:
    """The appeal's contact phone as this user may see it (the caller has already checked visibility)."""
    phone = appeal.contact_phone
    return phone if sees_full_phone(user) else mask_phone(phone)
