document.title = 'pwned';
