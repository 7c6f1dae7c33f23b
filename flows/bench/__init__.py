"""The benchmark (`township bench`, `make bench`): the floor, township and the naive rival side by side."""
