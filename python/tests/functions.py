"""Lambda handlers the package's tests route Tasks to."""


def double(event, context):
    return {"value": event["value"] * 2, "function": context.function_name}


def broken(event, context):
    raise ValueError("no good")
