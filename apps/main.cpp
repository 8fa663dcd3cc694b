#include <iostream>
int main() { std::cout << "adamix\n"; return 0; }
