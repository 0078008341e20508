print("sfn")
