"""The resources map: what a worker's household can draw on, with the rule and how to claim it."""
