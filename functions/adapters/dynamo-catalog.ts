import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanCatalogItems } from './catalog-scan';
import { validateCatalog, type Catalog, type CatalogValidation } from '../domain/catalog';
import type { CatalogSource } from '../domain/ports';
import { logger } from '../shared/logger';

/**
 * The marketers' catalog, read whole (it is small) and kept for `cacheSeconds`, so a warm function
 * costs no catalog reads per message. Broken items are logged by key, field and reason, and skipped.
 */
export class DynamoCatalogSource implements CatalogSource {
  private cached?: { loadedAt: number; catalog: Promise<Catalog> };

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cacheSeconds: number,
  ) {}

  load(): Promise<Catalog> {
    const fresh = this.cached && Date.now() - this.cached.loadedAt < this.cacheSeconds * 1000;
    if (!fresh) {
      const catalog = this.validate().then(({ catalog, problems }) => {
        for (const problem of problems) logger.warn('Skipping broken catalog item', { ...problem });
        return catalog;
      });
      catalog.catch(() => (this.cached = undefined));
      this.cached = { loadedAt: Date.now(), catalog };
    }
    return this.cached!.catalog;
  }

  async validate(): Promise<CatalogValidation> {
    return validateCatalog(await scanCatalogItems(this.client, this.tableName));
  }
}
