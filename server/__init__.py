"""The circlekeeper hub: websockets server, rules (``decide``), stores and fan-out."""
