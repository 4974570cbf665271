print("spbench")
