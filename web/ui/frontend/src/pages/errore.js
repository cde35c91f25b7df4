// Error page: only the common start-up (menu, logout).
import '../lib/boot.js';
