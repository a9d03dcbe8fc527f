// Framework data loader → mnist-test.bin: all 10,000 MNIST test images (GBMN, 7.8 MB).
import {MNIST_TEST_COUNT} from "./sizes.js";
import {mnistSplit, writeOut} from "./mnist.js";

writeOut(mnistSplit("t10k", MNIST_TEST_COUNT));
