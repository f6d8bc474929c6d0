// Imported first by each bench: libraries read NODE_ENV when they load (graphql
// drops its development-only checks in production), and a bench measures the
// product as it runs in production.
process.env.NODE_ENV ??= 'production';
export {};
