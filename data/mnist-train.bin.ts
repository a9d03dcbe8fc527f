// Framework data loader → mnist-train.bin: the first 20,000 of MNIST's 60,000 training images (GBMN, 15.7 MB).
import {MNIST_TRAIN_COUNT} from "./sizes.js";
import {mnistSplit, writeOut} from "./mnist.js";

writeOut(mnistSplit("train", MNIST_TRAIN_COUNT));
