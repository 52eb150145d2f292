import { Product } from './product.entity';

export interface ProductResponseDto {
  product_id: string;
  name: string;
  unit_price: number;
  available: number;
  reserved: number;
  active: boolean;
}

export function toProductResponse(product: Product): ProductResponseDto {
  return {
    product_id: product.productId,
    name: product.name,
    unit_price: product.unitPriceCents / 100,
    available: product.available,
    reserved: product.reserved,
    active: product.active,
  };
}
