import os

os.environ.setdefault("WUYOU_TESTING", "1")
