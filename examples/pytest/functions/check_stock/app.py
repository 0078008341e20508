"""The CheckStock Lambda function: how many of the order's item are left."""

STOCK = {"BOOK-1": 3, "MUG-2": 0}


def lambda_handler(event, context):
    sku = event["sku"]
    if sku not in STOCK:
        raise KeyError(f"unknown sku {sku}")
    available = STOCK[sku]
    return {"sku": sku, "available": available, "inStock": available >= event.get("quantity", 1)}
