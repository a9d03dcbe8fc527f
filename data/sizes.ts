/** How much of MNIST the book ships (the pages state these numbers). */
export const MNIST_TRAIN_COUNT = 20_000;
export const MNIST_TEST_COUNT = 10_000;
